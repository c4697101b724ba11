import { consoleCopy } from '../../templates/console/console-copy';
import { html } from '../../templates/escape';
import type { ConsoleSection } from './console-env';

/** A placeholder overview, to be replaced by the staff's overview section. */
export const overviewSection: ConsoleSection = {
  path: '/overview',
  nav: { ar: consoleCopy.ar.overview.nav, en: consoleCopy.en.overview.nav },
  register(app, { render }) {
    app.get('/overview', (c) => {
      const words = consoleCopy[c.get('lang')].overview;
      return render(c, { title: words.title, section: '/overview', body: html`<p>${words.body}</p>` });
    });
  },
};
