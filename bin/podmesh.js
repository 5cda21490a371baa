#!/usr/bin/env node
// The podmesh CLI: compiled JavaScript in dist/ (`npm run build`, run by `npm install` in a clone).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
