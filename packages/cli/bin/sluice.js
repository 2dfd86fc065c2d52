#!/usr/bin/env node
// The installed `sluice` command (package.json "bin"). A file of its own, tracked with its
// executable bit, because the compiled dist/main.js is rewritten by every build without one.
await import('../dist/main.js');
