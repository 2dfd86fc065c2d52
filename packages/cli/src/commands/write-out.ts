/** Writes to stdout and waits for it to drain when its buffer is full: a slow reader slows us, memory stays bounded. */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) {
    await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
