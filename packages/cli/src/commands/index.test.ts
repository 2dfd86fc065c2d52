import { describe, expect, it } from 'vitest';
import { commandModules, commandsFor } from './index.js';

describe('commandsFor', () => {
  it('loads the command named, all of them for help, none for a bare version flag', async () => {
    const all = Object.keys(commandModules).length;
    expect(await commandsFor(['ship', '--help'])).toHaveLength(1);
    expect(await commandsFor(['--help'])).toHaveLength(all);
    expect(await commandsFor([])).toHaveLength(all);
    expect(await commandsFor(['--version'])).toHaveLength(0);
    expect(await commandsFor(['-V'])).toHaveLength(0);
    // Help wins when both are given: it lists the commands.
    expect(await commandsFor(['--version', '--help'])).toHaveLength(all);
  });
});
