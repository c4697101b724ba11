#!/usr/bin/env node
// The staff CLI. TypeScript runs through tsx, so there is no build step between a change and a command.
import './quiet-sdk-warning.js';
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli/main.ts');
