/**
 * deploy/kubernetes: every manifest is validated against the Kubernetes API's OpenAPI schemas by the
 * models of `kubernetes-models` (each class's validate()), then held to what the services do: probes on
 * ports the containers declare and routes the processes serve, requests within limits and above nothing
 * the V8 heap cap would overrun, configuration the config schema accepts, and a grace period longer than
 * a drain. None of this needs a cluster; `kubectl apply --dry-run=server` against one is still the final
 * word (docs/deployment.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { apiRoutes } from '../../contracts/http-api';
import { envSchema, loadConfig } from '../../platform/config';
import { SERVICE_HEAP_LIMIT_MB } from '../../scripts/service-commands';

const root = path.resolve(__dirname, '../..');
const folder = path.join(root, 'deploy/kubernetes');

/** The model class of each apiVersion and kind the folder may use. */
const models = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
} as const;

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}

const kustomization = parse(readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images?: { name: string }[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(folder, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const body = doc.toJS() as Omit<Manifest, 'file'>;
    return { ...body, file } as Manifest;
  }),
);

function ofKind(kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}
function named(kind: string, name: string): Manifest {
  const found = ofKind(kind).find((m) => m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
}
const strip = ({ file: _file, ...body }: Manifest) => body;

const deployments = ofKind('Deployment').map((m) => new Deployment(strip(m) as never));
const configMap = new ConfigMap(strip(named('ConfigMap', 'fusioncommerce-config')));
const secret = new Secret(strip(named('Secret', 'fusioncommerce-secrets')));
const configData = configMap.data ?? {};
const secretData = secret.stringData ?? {};

/** The one container of a Deployment's pods. */
function containerOf(deployment: Deployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0] as IContainer;
}

/** The port number a probe reaches, resolving a port name against the container's declared ports. */
function probePort(container: IContainer, probe: IProbe): number | undefined {
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  const declared = container.ports ?? [];
  if (typeof port === 'number') return declared.some((p) => p.containerPort === port) ? port : undefined;
  return declared.find((p) => p.name === port)?.containerPort;
}

/** A Kubernetes quantity as a number: CPU in cores ("500m", "1"), memory in bytes ("256Mi", "1G"). */
function quantity(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(value ?? '');
  if (!match) throw new Error(`not a quantity: ${String(value)}`);
  const unit: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
  };
  return Number(match[1]) * (unit[match[2] ?? ''] ?? NaN);
}

/** Per Deployment: the entry point, the port its process listens on (from the ConfigMap) and its probe paths. */
const services = {
  api: {
    entry: 'dist/api/main.js',
    port: Number(configData.HTTP_PORT),
    readiness: apiRoutes.readiness.path,
    liveness: apiRoutes.health.path,
  },
  'order-worker': {
    entry: 'dist/workers/order-worker-main.js',
    port: Number(configData.ORDER_WORKER_METRICS_PORT),
    readiness: '/metrics',
    liveness: '/metrics',
  },
  'bridge-worker': {
    entry: 'dist/workers/bridge-worker-main.js',
    port: Number(configData.BRIDGE_METRICS_PORT),
    readiness: '/metrics',
    // A tcpSocket probe: its /metrics depends on PostgreSQL, which must not restart the pod.
    liveness: undefined,
  },
} as const;

describe('deploy/kubernetes', () => {
  it('lists every manifest of the folder in its kustomization', () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('validates every manifest against the Kubernetes API schema of its kind', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) {
      const Model = models[`${manifest.apiVersion}/${manifest.kind}` as keyof typeof models];
      expect([manifest.file, manifest.kind, Model !== undefined]).toEqual([
        manifest.file,
        manifest.kind,
        true,
      ]);
      const model = new Model(strip(manifest));
      expect(() => model.validate()).not.toThrow();
    }
  });

  it('the schema validation rejects what the API server would (a wrong type, a missing field)', () => {
    const deployment = strip(named('Deployment', 'api')) as unknown as { spec: { replicas: unknown } };
    expect(() =>
      new Deployment({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } } as never).validate(),
    ).toThrow(/replicas/);
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: {} } as never).validate()).toThrow(
      /selector/,
    );
  });

  it('runs the API and both workers, two replicas each, from one image with the compiled entry points', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(Object.keys(services).sort());
    const images = new Set(deployments.map((d) => containerOf(d).image));
    expect(images.size).toBe(1);
    expect(kustomization.images?.map((i) => i.name)).toEqual([...images].map((i) => i?.split(':')[0]));
    for (const deployment of deployments) {
      const service = services[deployment.metadata?.name as keyof typeof services];
      expect(deployment.spec?.replicas).toBe(2);
      expect(deployment.spec?.template.metadata?.labels).toEqual(deployment.spec?.selector.matchLabels);
      expect(containerOf(deployment).command).toEqual(['node', service.entry]);
      const source = path.join(root, service.entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
      expect(() => readFileSync(source)).not.toThrow();
    }
  });

  it('probes ports the container declares, on the routes and ports the process serves', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata?.name as keyof typeof services;
      const container = containerOf(deployment);
      const { readinessProbe, livenessProbe, startupProbe } = container;
      expect([name, readinessProbe !== undefined, livenessProbe !== undefined]).toEqual([name, true, true]);
      for (const probe of [readinessProbe, livenessProbe, startupProbe]) {
        if (probe === undefined) continue;
        expect([name, probePort(container, probe)]).toEqual([name, services[name].port]);
      }
      expect([name, readinessProbe?.httpGet?.path]).toEqual([name, services[name].readiness]);
      expect([name, livenessProbe?.httpGet?.path]).toEqual([name, services[name].liveness]);
      // A readiness check waits up to 2 s per dependency (api/http/readiness.ts): the probe waits longer.
      if (name === 'api') expect(readinessProbe?.timeoutSeconds ?? 1).toBeGreaterThan(2);
    }
  });

  it('requests no more than the limits, and gives each process room above its V8 heap cap', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata?.name;
      const { requests = {}, limits = {} } = containerOf(deployment).resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        expect([name, resource, requests[resource] !== undefined, limits[resource] !== undefined]).toEqual([
          name,
          resource,
          true,
          true,
        ]);
        expect([name, resource, quantity(requests[resource]) <= quantity(limits[resource])]).toEqual([
          name,
          resource,
          true,
        ]);
      }
      expect(quantity(limits.memory)).toBeGreaterThan(SERVICE_HEAP_LIMIT_MB * 1024 ** 2);
    }
  });

  it('has a disruption budget for each Deployment that keeps one pod and lets a drain go on', () => {
    for (const deployment of deployments) {
      const budgets = ofKind('PodDisruptionBudget')
        .map((m) => new PodDisruptionBudget(strip(m) as never))
        .filter(
          (b) =>
            JSON.stringify(b.spec?.selector?.matchLabels) ===
            JSON.stringify(deployment.spec?.selector.matchLabels),
        );
      expect([deployment.metadata?.name, budgets.length]).toEqual([deployment.metadata?.name, 1]);
      const minAvailable = Number(budgets[0]?.spec?.minAvailable);
      expect(minAvailable).toBeGreaterThanOrEqual(1);
      expect(minAvailable).toBeLessThan(deployment.spec?.replicas ?? 0);
    }
  });

  it("routes the API's Service and Ingress to the API pods' declared port", () => {
    const api = deployments.find((d) => d.metadata?.name === 'api') as Deployment;
    const service = new Service(strip(named('Service', 'api')));
    expect(service.spec?.selector).toEqual(api.spec?.selector.matchLabels);
    const servicePort = service.spec?.ports?.[0];
    expect(containerOf(api).ports?.map((p) => p.name)).toContain(servicePort?.targetPort);
    const ingress = new Ingress(strip(named('Ingress', 'api')));
    const backend = ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service;
    expect(backend?.name).toBe('api');
    expect(backend?.port?.name).toBe(servicePort?.name);
  });

  it('configures the services only with variables the config schema knows, from the ConfigMap and the Secret', () => {
    const known = new Set(Object.keys(envSchema.shape));
    expect(Object.keys(configData).filter((k) => !known.has(k))).toEqual([]);
    expect(Object.keys(secretData).filter((k) => !known.has(k))).toEqual([]);
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata?.name } }]);
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        expect([variable.name, ref?.name, ref?.key]).toEqual([
          variable.name,
          secret.metadata?.name,
          variable.name,
        ]);
        expect(Object.keys(secretData)).toContain(variable.name);
      }
      // The production settings leave nothing to the local-stack defaults that point at 127.0.0.1.
      expect(configData.HTTP_HOST).toBe('0.0.0.0');
    }
  });

  it('ships the Secret with names only, and the API refuses to start until its keys are set', () => {
    expect(Object.values(secretData).filter((v) => v !== '')).toEqual([]);
    expect(secret.data).toBeUndefined();
    const config = loadConfig({ ...configData, ...secretData });
    expect(config.env).toBe('production');
    expect(config.kafka.topicReplication).toBe(3);
    // Empty API_KEYS means the public development keys, which a production API refuses (api/server.ts).
    expect(config.api.devKeys).toBe(true);
  });

  it('gives each pod longer to stop than its preStop sleep and drain take together', () => {
    const drainSeconds = Number(configData.SHUTDOWN_GRACE_MS) / 1000;
    expect(drainSeconds).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const name = deployment.metadata?.name;
      const preStop = containerOf(deployment).lifecycle?.preStop;
      const sleepSeconds = Number(preStop?.exec?.command?.[1] ?? preStop?.sleep?.seconds ?? 0);
      const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
      expect([name, grace > sleepSeconds + drainSeconds]).toEqual([name, true]);
      // The API keeps serving while the endpoint removal reaches the Service's proxies and the Ingress.
      if (name === 'api') {
        expect(preStop?.exec?.command?.[0]).toBe('sleep');
        expect(sleepSeconds).toBeGreaterThan(0);
      }
    }
  });
});
