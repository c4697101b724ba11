// The AWS SDK warns on every run that its releases after January 2027 need Node 22. The pinned SDK
// runs on Node 20 here and Lambda runs Node 22, so the warning only buries the output that matters.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};
