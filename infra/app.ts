import { App } from 'aws-cdk-lib';
import { buildNashra } from './nashra';

const app = new App();
buildNashra(app);
app.synth();
