/**
 * The CloudFormation the CDK synthesises for the platform (deploy/cdk): every service of the
 * manifest is there, health-checked and load-balanced on its own port, scaled on CPU and on its
 * consumers' backlog, and given its secrets from Secrets Manager, never in plain text.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { consumers, serviceManifest } from '@nxg/contracts';
import { loadConfig } from '@nxg/platform';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isTelemetryVariable,
  loadDeployedServices,
  natsCredentials,
  repoRoot,
  type DeployedService,
} from '../deployed-services.ts';
import { consumerOwner } from '../nats-permissions.ts';
import { consumerLagMetric } from './platform-stack.ts';

interface ContainerDefinition {
  Name: string;
  PortMappings?: { ContainerPort: number }[];
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  HealthCheck?: { Command: string[] };
}

let services: DeployedService[];
let template: Template;

/**
 * `cdk synth` as operators and CI run it (the CLI, offline: no AWS account is read), and the
 * template it wrote, which every assertion below reads.
 */
async function synthesise(): Promise<Record<string, unknown>> {
  const out = mkdtempSync(join(tmpdir(), 'nxg-cdk-'));
  try {
    await promisify(execFile)(
      join(repoRoot, 'tools/node_modules/.bin/cdk'),
      ['synth', '--no-notices', '--no-version-reporting', '--quiet', '--output', out],
      { cwd: join(repoRoot, 'deploy/cdk'), env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } },
    );
    return JSON.parse(readFileSync(join(out, 'NxgPlatform.template.json'), 'utf8')) as Record<
      string,
      unknown
    >;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  services = await loadDeployedServices();
  template = Template.fromJSON(await synthesise());
}, 180_000);

const containerOf = (family: string): ContainerDefinition => {
  const found = template.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: family } });
  const [definition] = Object.values(found) as {
    Properties: { ContainerDefinitions: ContainerDefinition[] };
  }[];
  expect(definition, `no task definition ${family}`).toBeDefined();
  return definition!.Properties.ContainerDefinitions[0]!;
};

/** `nxg/<name>` of a secret reference, whatever CloudFormation functions build its ARN. */
const secretNameIn = (valueFrom: unknown) => /:secret:nxg\/([a-z0-9-]+)/.exec(JSON.stringify(valueFrom))?.[1];

describe('the platform stack', () => {
  it('keeps uploads in one private bucket, given to the services that store objects and no other', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const storing = services.filter((s) => s.variables.includes('S3_BUCKET')).map((s) => s.name);
    expect(storing).toEqual(expect.arrayContaining(['gateway', 'identity', 'nutrition']));
    for (const s of services) {
      const env = containerOf(`nxg-${s.name}`).Environment ?? [];
      expect(
        env.some((e) => e.Name === 'S3_BUCKET'),
        s.name,
      ).toBe(storing.includes(s.name));
    }
    // Each of those task roles may read and write its objects: one policy each naming the bucket.
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p).includes('s3:PutObject'),
    );
    expect(policies).toHaveLength(storing.length);
  });

  it('runs one ECS service per service of the manifest, and no other', () => {
    const names = Object.values(template.findResources('AWS::ECS::Service')).map(
      (r) => (r as { Properties: { ServiceName: string } }).Properties.ServiceName,
    );
    expect(names.sort()).toEqual(serviceManifest.map((s) => `nxg-${s.name}`).sort());
  });

  it('creates no secret and writes no secret value into the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/SecretString|GenerateSecretString/);
  });

  it('gives each public service a load balancer of its own (the gateway’s API, the hub’s machine sockets)', () => {
    const publicServices = serviceManifest.filter((s) => s.public);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', publicServices.length);
    template.allResourcesProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    // Machines heartbeat every 15 s (120 s is ample); the members' live feed may be silent for a
    // token's life (900 s).
    const idle = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).map(
      (alb) =>
        (
          alb as { Properties: { LoadBalancerAttributes: { Key: string; Value: string }[] } }
        ).Properties.LoadBalancerAttributes.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value,
    );
    expect(idle.sort()).toEqual(['120', '900']);
  });

  it('answers /metrics from no load balancer (Prometheus scrapes the tasks)', () => {
    const rules = template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Properties: {
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/metrics', '/metrics/*'] } }],
        Actions: [
          Match.objectLike({
            Type: 'fixed-response',
            FixedResponseConfig: Match.objectLike({ StatusCode: '404' }),
          }),
        ],
      },
    });
    expect(Object.keys(rules)).toHaveLength(serviceManifest.filter((s) => s.public).length);
  });

  it('has a provisioning task with its own NATS key', () => {
    const provision = containerOf('nxg-provision');
    expect(provision.Secrets?.map((s) => secretNameIn(s.ValueFrom))).toEqual(
      expect.arrayContaining(['provision-nats-nkey-seed', 'nats-tls-ca']),
    );
  });

  describe.each(serviceManifest)('$name', (entry) => {
    const service = () => services.find((s) => s.name === entry.name)!;

    it('runs its container on its port, health-checked there', () => {
      const c = containerOf(`nxg-${entry.name}`);
      expect(c.Name).toBe(entry.name);
      expect(c.PortMappings?.map((p) => p.ContainerPort)).toEqual([entry.port]);
      expect(c.HealthCheck?.Command.join(' ')).toContain(`127.0.0.1:${entry.port}/health/ready`);
      expect(c.Environment).toContainEqual({ Name: entry.portVariable, Value: String(entry.port) });
    });

    it(
      entry.public
        ? 'is load-balanced on its port, the balancer checking its readiness there'
        : 'takes no traffic from a load balancer',
      () => {
        const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', {
          Properties: { Port: entry.port },
        });
        expect(Object.keys(groups)).toHaveLength(entry.public ? 1 : 0);
        if (entry.public)
          template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
            Port: entry.port,
            HealthCheckPath: '/health/ready',
            HealthCheckPort: String(entry.port),
          });
      },
    );

    it('takes every secret from Secrets Manager, none in plain environment', () => {
      const c = containerOf(`nxg-${entry.name}`);
      const fromStore = new Map((c.Secrets ?? []).map((s) => [s.Name, secretNameIn(s.ValueFrom)]));
      const required = service().secrets.filter((v) => v !== 'NATS_TLS_KEY');
      expect([...fromStore.keys()]).toEqual(
        expect.arrayContaining(['REDIS_URL', 'NATS_NKEY_SEED', 'NATS_TLS_CA', ...required]),
      );
      expect(fromStore.has('DATABASE_URL'), 'DATABASE_URL').toBe(entry.database);
      expect(fromStore.get('NATS_NKEY_SEED'), 'its own NATS key').toBe(`${entry.name}-nats-nkey-seed`);
      for (const [variable, name] of fromStore) expect(name, `${variable} from nxg/…`).toBeDefined();
      const plain = (c.Environment ?? []).map((e) => e.Name);
      const secretLike = plain.filter(
        (v) =>
          fromStore.has(v) || service().secrets.includes(v) || /_(KEY|PASSWORD|SECRET|TOKEN|SEED)$/.test(v),
      );
      expect(secretLike).toEqual([]);
      expect(natsCredentials.filter((v) => plain.includes(v))).toEqual([]);
    });

    it('sets only variables it reads, with values it accepts', () => {
      const c = containerOf(`nxg-${entry.name}`);
      const names = [...(c.Environment ?? []), ...(c.Secrets ?? [])].map((v) => v.Name);
      expect(names.filter((v) => !service().variables.includes(v) && !isTelemetryVariable(v))).toEqual([]);
      // A value CloudFormation fills in at deploy time (the bucket's name) stands as a real-looking one.
      const deployTime: Record<string, string> = { S3_BUCKET: 'nxgplatform-media1a2b3c4d-0123456789ab' };
      const env = Object.fromEntries(
        (c.Environment ?? []).map((e) => [
          e.Name,
          typeof e.Value === 'string' ? e.Value : deployTime[e.Name],
        ]),
      );
      expect(() => loadConfig(service().definition.config, env)).not.toThrow();
    });

    it('scales on CPU, and on its consumers’ backlog when it has consumers', () => {
      const [serviceId] = Object.keys(
        template.findResources('AWS::ECS::Service', { Properties: { ServiceName: `nxg-${entry.name}` } }),
      );
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        ResourceId: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [serviceId, 'Name'] }])] },
        MinCapacity: 2,
        MaxCapacity: 10,
      });
      const lagAlarms = template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          Namespace: consumerLagMetric.namespace,
          MetricName: consumerLagMetric.metricName,
          Dimensions: [{ Name: 'Service', Value: entry.name }],
        },
      });
      const consumes = consumers.some((c) => consumerOwner(c.durable) === entry.name);
      // One alarm to scale out, one to scale in.
      expect(Object.keys(lagAlarms)).toHaveLength(consumes ? 2 : 0);
    });
  });

  it('scales every service on CPU at 60 %', () => {
    const cpuPolicies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          TargetValue: 60,
        }),
      },
    });
    expect(Object.keys(cpuPolicies)).toHaveLength(serviceManifest.length);
  });
});
