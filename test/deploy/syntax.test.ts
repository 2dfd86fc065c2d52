import { describe, expect, it } from 'vitest';
import { deployFiles, readDeploy, yamlDocuments } from './support.js';

// Every file in deploy/ (but the native launcher and the sample logs) parses, so a typo in a
// manifest fails CI here rather than at `kubectl apply` or `docker compose up`.
describe('deploy/ syntax', () => {
  const files = deployFiles();

  it('finds the files it is meant to check', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'compose.yaml',
        'prometheus/rules.yaml',
        'grafana/dashboards/sluice.json',
        'kibana/sluice.ndjson',
        'k8s/consumer-deployment.yaml',
      ]),
    );
  });

  for (const file of files.filter((f) => /\.ya?ml$/.test(f))) {
    it(`${file} is valid YAML`, () => {
      const docs = yamlDocuments(file);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) expect(doc).toBeTypeOf('object');
    });
  }

  for (const file of files.filter((f) => f.endsWith('.json'))) {
    it(`${file} is valid JSON`, () => {
      expect(() => JSON.parse(readDeploy(file))).not.toThrow();
    });
  }

  for (const file of files.filter((f) => f.endsWith('.ndjson'))) {
    it(`${file} has one JSON object per line`, () => {
      const lines = readDeploy(file).trimEnd().split('\n');
      lines.forEach((line, i) => {
        expect(() => JSON.parse(line), `line ${i + 1}`).not.toThrow();
      });
    });
  }
});
