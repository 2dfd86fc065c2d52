// Minimal placeholder until the environment selection lands: tests that need services read
// explicit URLs from the environment. Replaced by the full selection (env / testcontainers / native).
export default async function setup(): Promise<void> {}
