/**
 * The ECS Fargate task definitions in deploy/ecs, one per manifest service plus the provisioning
 * job, rendered from the manifest and the services' definitions. `pnpm deploy:ecs` writes them;
 * a test fails when the committed files differ from what this renders.
 *
 * Upper-case words (REGION, ACCOUNT, IMAGE_REPOSITORY, IMAGE_TAG) and the NATS host names are
 * placeholders that CI replaces before registering (deploy/ecs/README.md).
 */
import type { DeployedService } from './deployed-services.ts';

/** A three-node NATS cluster with JetStream; the client fails over between the servers. */
const NATS_URL = ['nats-1', 'nats-2', 'nats-3'].map((host) => `nats://${host}.nxg.internal:4222`).join(',');

/**
 * Production values that differ from a service's defaults in its `src/config.ts`; every other
 * variable keeps its default. A service that needs none has no line here.
 */
export const productionSettings: Record<string, Record<string, string>> = {
  // Behind the load balancer: client addresses (rate limits, logs) come from X-Forwarded-For, as
  // written by the ALB only (its addresses are in the VPC's CIDR: set yours), never by a client.
  gateway: { TRUST_PROXY: '10.0.0.0/16', S3_BUCKET: 'nxg-media' },
  // Meal photos (the gateway stores them, nutrition reads and removes them): the bucket, with the
  // task role's credentials.
  nutrition: { S3_BUCKET: 'nxg-media' },
};

/** The same size for every service: Node runs JavaScript on one core, so more tasks beat bigger ones. */
const serviceSize = { cpu: '1024', memory: '2048' };
const provisionSize = { cpu: '256', memory: '512' };

type NameValue = { name: string; value: string };
type NameValueFrom = { name: string; valueFrom: string };

const secret = (variable: string, secretName: string): NameValueFrom => ({
  name: variable,
  valueFrom: `arn:aws:secretsmanager:REGION:ACCOUNT:secret:nxg/${secretName}`,
});

/** `IDENTITY_DATA_KEY` is kept as the secret `nxg/identity-data-key`. */
const secretNameOf = (variable: string) => variable.toLowerCase().replaceAll('_', '-');

const variables = (values: Record<string, string>): NameValue[] =>
  Object.entries(values).map(([name, value]) => ({ name, value }));

function logConfiguration(name: string) {
  return {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': `/ecs/nxg/${name}`,
      'awslogs-region': 'REGION',
      'awslogs-stream-prefix': name,
      'awslogs-create-group': 'true',
      // A slow log pipeline never stalls a request.
      mode: 'non-blocking',
      'max-buffer-size': '25m',
    },
  };
}

function taskDefinition(name: string, size: { cpu: string; memory: string }, container: object) {
  return {
    family: `nxg-${name}`,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    ...size,
    executionRoleArn: 'arn:aws:iam::ACCOUNT:role/nxg-ecs-task-execution',
    taskRoleArn: `arn:aws:iam::ACCOUNT:role/nxg-${name}-task`,
    containerDefinitions: [
      {
        name,
        image: `IMAGE_REPOSITORY/nxg-${name}:IMAGE_TAG`,
        essential: true,
        ...container,
        readonlyRootFilesystem: true,
        logConfiguration: logConfiguration(name),
      },
    ],
    tags: [
      { key: 'project', value: 'nxg-connect' },
      { key: 'service', value: name },
    ],
  };
}

export function serviceTaskDefinition(service: DeployedService) {
  const environment = variables({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    NATS_URL,
    [service.portVariable]: String(service.port),
    ...productionSettings[service.name],
  });
  const secrets = [
    // Per service: each has its own database user and database (nxg_<service>).
    ...(service.database ? [secret('DATABASE_URL', `${service.name}-database-url`)] : []),
    secret('REDIS_URL', 'redis-url'),
    ...service.secrets.map((variable) => secret(variable, secretNameOf(variable))),
  ];
  return taskDefinition(service.name, serviceSize, {
    portMappings: [{ name: 'http', containerPort: service.port, protocol: 'tcp', appProtocol: 'http' }],
    environment,
    secrets,
    healthCheck: {
      command: [
        'CMD',
        'node',
        '-e',
        `fetch('http://127.0.0.1:${service.port}/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
      ],
      interval: 15,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    },
    // Longer than SHUTDOWN_TIMEOUT_MS (10 s): a graceful stop finishes before SIGKILL.
    stopTimeout: 30,
  });
}

/** The one-off job that creates JetStream streams, consumers and KV buckets before a rollout. */
export function provisionTaskDefinition() {
  return taskDefinition('provision', provisionSize, {
    environment: variables({
      NODE_ENV: 'production',
      NATS_URL,
      // Streams and buckets live on all three NATS servers.
      NATS_STREAM_REPLICAS: '3',
    }),
  });
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** File name (in deploy/ecs) → content, for every task definition. */
export function renderEcsFiles(services: DeployedService[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const service of services)
    files.set(`${service.name}.task.json`, json(serviceTaskDefinition(service)));
  files.set('provision.task.json', json(provisionTaskDefinition()));
  return files;
}
