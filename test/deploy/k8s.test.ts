import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkPipelineFile, resolveModule } from '@sluice/parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { deployDir, deployFiles, yamlDocuments } from './support.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

const files = deployFiles('k8s').filter(
  (f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.endsWith('-values.yaml'),
);
const manifests = files.flatMap((file) => yamlDocuments(file).map((doc) => ({ file, m: doc as Manifest })));
const find = (kind: string, name: string, file?: string) =>
  manifests.find(({ m, file: f }) => m.kind === kind && m.metadata.name === name && (!file || f === file))?.m;

/**
 * The JSON schemas of Kubernetes 1.27 (package kubernetes-models) and of KEDA's CRDs
 * (@kubernetes-models/keda), compiled validators shipped in the packages: no cluster needed.
 * They check types, enums and required fields; they allow unknown fields (like the API server).
 */
async function modelFor(
  apiVersion: string,
  kind: string,
): Promise<(new (data: unknown) => { validate(): void }) | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path =
    group === 'keda.sh'
      ? `@kubernetes-models/keda/keda.sh/${version}`
      : group === ''
        ? `kubernetes-models/${version}`
        : `kubernetes-models/${group}/${version}`;
  const mod = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  return mod[kind];
}

describe('Kubernetes manifests', () => {
  it('include the namespace, config, shipper DaemonSet, consumer Deployment, PDB and the autoscalers', () => {
    const kinds = manifests.map(({ m }) => `${m.kind}/${m.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/sluice',
        'ConfigMap/sluice-pipeline',
        'ConfigMap/sluice-consumer-pipeline',
        'DaemonSet/sluice-shipper',
        'Deployment/sluice-consumer',
        'PodDisruptionBudget/sluice-consumer',
        'ScaledObject/sluice-consumer',
        'HorizontalPodAutoscaler/sluice-consumer',
      ]),
    );
  });

  for (const { file, m } of manifests) {
    it(`${file}: ${m.kind}/${m.metadata?.name} validates against its schema`, async () => {
      expect(m.apiVersion).toBeTruthy();
      expect(m.metadata?.name).toBeTruthy();
      const Model = await modelFor(m.apiVersion, m.kind);
      expect(Model, `no schema for ${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new (Model as NonNullable<typeof Model>)(m).validate()).not.toThrow();
      if (m.kind !== 'Namespace') expect(m.metadata.namespace).toBe('sluice');
    });
  }

  it('the schema check is not a formality: a wrong type fails it', async () => {
    const Model = await modelFor('apps/v1', 'Deployment');
    const broken = structuredClone(find('Deployment', 'sluice-consumer')) as unknown as {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = 'two';
    expect(() => new (Model as NonNullable<typeof Model>)(broken).validate()).toThrow(/replicas/);
  });

  type Pod = {
    terminationGracePeriodSeconds?: number;
    containers: {
      args: string[];
      image: string;
      readinessProbe?: { httpGet?: { path: string } };
      livenessProbe?: { httpGet?: { path: string } };
      resources?: { requests?: object; limits?: object };
      volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
      env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
      envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
    }[];
    volumes?: { name: string; hostPath?: { path: string }; configMap?: { name: string } }[];
  };
  const pod = (m: Manifest | undefined): Pod => {
    if (!m) throw new Error('manifest not found');
    return (m.spec as { template: { spec: Pod } }).template.spec;
  };

  it('the consumer has /readyz and /healthz probes, resources, and a grace period longer than its drain', () => {
    const spec = pod(find('Deployment', 'sluice-consumer'));
    const [c] = spec.containers;
    expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c?.resources?.requests).toBeDefined();
    expect(c?.resources?.limits).toBeDefined();
    const args = c?.args ?? [];
    expect(args[0]).toBe('consume');
    const drain = Number.parseInt(args[args.indexOf('--shutdown-timeout') + 1] ?? '', 10);
    expect(drain).toBeGreaterThan(0);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(drain);
    expect(args).toContain('0.0.0.0:9464');
  });

  it('no broker URL is a process argument: the shipper and the consumer read it from the Secret sluice-broker', () => {
    const workloads = [
      { spec: pod(find('DaemonSet', 'sluice-shipper')), variable: 'SLUICE_TO' },
      { spec: pod(find('Deployment', 'sluice-consumer')), variable: 'SLUICE_FROM' },
    ];
    for (const { spec, variable } of workloads) {
      const [c] = spec.containers;
      const args = c?.args ?? [];
      expect(args.filter((a) => a.includes('://') || /BROKER|_URL/.test(a))).toEqual([]);
      expect(args).not.toContain('--to');
      expect(args).not.toContain('--from');
      const entry = c?.env?.find((e) => e.name === variable);
      expect(entry?.valueFrom?.secretKeyRef).toEqual({ name: 'sluice-broker', key: 'url' });
      // Credentials for any backend may come from an optional Secret, as environment variables.
      expect(c?.envFrom).toContainEqual({ secretRef: { name: 'sluice-credentials', optional: true } });
    }
    const config = find('ConfigMap', 'sluice-pipeline') as unknown as { data: Record<string, string> };
    for (const value of Object.values(config.data))
      expect(value).not.toMatch(/^(kafka|redis|rediss|amqps?):\/\//);
  });

  it('the consumer runs the pipeline file from its ConfigMap, with the logs-to-metrics section the alerts use', async () => {
    const spec = pod(find('Deployment', 'sluice-consumer'));
    const [c] = spec.containers;
    const args = c?.args ?? [];
    expect(args).not.toContain('--module');
    const configPath = args[args.indexOf('--config') + 1] as string;
    const mount = c?.volumeMounts?.find((v) => v.mountPath === dirname(configPath));
    expect(mount?.readOnly).toBe(true);
    expect(spec.volumes?.find((v) => v.name === mount?.name)?.configMap?.name).toBe(
      'sluice-consumer-pipeline',
    );
    const map = find('ConfigMap', 'sluice-consumer-pipeline') as unknown as { data: Record<string, string> };
    const text = map.data[configPath.split('/').pop() as string] as string;

    // It is a valid pipeline file, as `sluice check` sees it, and declares the alerted metric.
    const dir = mkdtempSync(join(tmpdir(), 'sluice-k8s-pipeline-'));
    try {
      const file = join(dir, 'pipeline.yaml');
      writeFileSync(file, text);
      const result = await checkPipelineFile(file, { resolveModule });
      expect(result.errors).toEqual([]);
      expect(result.metrics).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const pipeline = parseYaml(text) as { processors: unknown; metrics: { name: string }[] };
    expect(pipeline.metrics.map((m) => m.name)).toContain('sluice_logs_http_responses_total');
    expect(readFileSync(`${deployDir}prometheus/rules.yaml`, 'utf8')).toContain(
      'sluice_logs_http_responses_total',
    );
    // The same steps and metrics as the pipeline shipped for Compose and local runs: no drift.
    const shipped = parseYaml(
      readFileSync(`${deployDir}pipelines/nginx-metrics.yaml`, 'utf8'),
    ) as typeof pipeline;
    expect(pipeline.processors).toEqual(shipped.processors);
    expect(pipeline.metrics).toEqual(shipped.metrics);
  });

  it('the shipper reads /var/log read-only and keeps its registry on the node', () => {
    const spec = pod(find('DaemonSet', 'sluice-shipper'));
    const [c] = spec.containers;
    expect(c?.args[0]).toBe('ship');
    const varlog = c?.volumeMounts?.find((v) => v.mountPath === '/var/log');
    expect(varlog?.readOnly).toBe(true);
    expect(spec.volumes?.find((v) => v.name === varlog?.name)?.hostPath?.path).toBe('/var/log');
    const registry = c?.volumeMounts?.find((v) => v.mountPath === '/var/lib/sluice');
    expect(spec.volumes?.find((v) => v.name === registry?.name)?.hostPath?.path).toBeTruthy();
    expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
  });

  it('the PDB selects the consumer pods', () => {
    const pdb = find('PodDisruptionBudget', 'sluice-consumer')?.spec as {
      selector: { matchLabels: Record<string, string> };
    };
    const deployment = find('Deployment', 'sluice-consumer')?.spec as
      | { template: { metadata: { labels: Record<string, string> } } }
      | undefined;
    const labels = deployment?.template.metadata.labels;
    expect(labels).toMatchObject(pdb.selector.matchLabels);
  });

  it('there is one KEDA ScaledObject per broker, each scaling the consumer Deployment', () => {
    const triggers = manifests
      .filter(({ m }) => m.kind === 'ScaledObject')
      .map(({ file, m }) => {
        const spec = m.spec as {
          scaleTargetRef: { name: string };
          triggers: { type: string }[];
          maxReplicaCount: number;
        };
        expect(spec.scaleTargetRef.name, file).toBe('sluice-consumer');
        return `${file}: ${spec.triggers.map((t) => t.type).join(',')}`;
      });
    expect(triggers.sort()).toEqual([
      'k8s/autoscaling/keda/kafka.yaml: kafka',
      'k8s/autoscaling/keda/rabbitmq.yaml: rabbitmq',
      'k8s/autoscaling/keda/redis-stream.yaml: redis-streams',
      'k8s/autoscaling/keda/redis.yaml: redis',
    ]);
    const auth = find('TriggerAuthentication', 'sluice-rabbitmq');
    expect(auth).toBeDefined();
  });

  it('the HPA alternative scales on the lag metric prometheus-adapter exposes', () => {
    const hpa = find('HorizontalPodAutoscaler', 'sluice-consumer')?.spec as {
      scaleTargetRef: { kind: string; name: string };
      metrics: { external: { metric: { name: string } } }[];
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'sluice-consumer' });
    const [adapter] = yamlDocuments('k8s/autoscaling/hpa/prometheus-adapter-values.yaml') as {
      rules: { external: { name: { as: string }; seriesQuery: string }[] };
    }[];
    const rule = adapter?.rules.external[0];
    expect(rule?.name.as).toBe(hpa.metrics[0]?.external.metric.name);
    expect(rule?.seriesQuery).toContain('sluice_consumer_lag_records');
  });
});

// kubectl's built-in kustomize renders the base offline (no cluster): it proves the
// kustomization's resource list and image override resolve.
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
describe.skipIf(!kubectl)('kubectl kustomize', () => {
  it('renders the base with the image override applied', () => {
    const r = spawnSync('kubectl', ['kustomize', `${deployDir}k8s`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^kind: /gm)).toHaveLength(7);
    expect(r.stdout.match(/image: sluice:0\.1\.0$/gm)).toHaveLength(2);
  });
});
