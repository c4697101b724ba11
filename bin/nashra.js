#!/usr/bin/env node
// The staff CLI. TypeScript runs through tsx, so there is no build step between a change and a command.
import './quiet-sdk-warning.js';
import { register } from 'tsx/esm/api';

// Everything this process creates is its owner's only: NASHRA_HOME (keys, every mail sent, the local
// database, whose LevelDB files dynalite creates itself) and the files a staff member writes
// (subscriber exports, previews). nashra's own code also asks for 0700/0600 where it creates things.
process.umask(0o077);

register();
await import('../functions/cli/main.ts');
