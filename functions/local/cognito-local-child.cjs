// Loaded with --require in front of cognito-local, which nashra runs as a child process: when the
// nashra process that started it ends, however it ends, the IPC channel closes and this one ends too.
process.on('disconnect', () => process.exit(0));
