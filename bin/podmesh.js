#!/usr/bin/env node
// The podmesh CLI: compiled JavaScript in dist/ (`npm run build`, run by `npm install` in a clone).
import { main, quietBrokenPipes } from '../dist/cli/main.js';

// `podmesh … | head -1`: a reader that goes away ends the output, not with a stack trace.
quietBrokenPipes();
process.exitCode = await main(process.argv.slice(2));
