#!/usr/bin/env node
// Long-running commands install their own SIGTERM/SIGINT handling (drain, then exit 0)
// once they have something to drain. Before that, during start-up (loading modules,
// compiling the pipeline, connecting), nothing was read, sent or acknowledged: stopping
// then is a clean exit 0, not death by signal (143).
if (['ship', 'consume'].includes(process.argv[2] ?? '')) {
  const stopDuringStartup = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return; // the command took over
    process.stderr.write(`sluice: ${signal} during start-up; stopped before reading anything\n`);
    process.exit(0);
  };
  process.on('SIGTERM', stopDuringStartup);
  process.on('SIGINT', stopDuringStartup);
}

// Loaded only now, dynamically: a static import would load and link the whole command
// graph (hundreds of modules) before the lines above could run.
await import('./cli.js');
