/**
 * The whole platform on ECS Fargate, as one CloudFormation stack synthesised from the manifest of
 * services and their definitions: a task definition and ECS service per app, health-checked on its
 * port, scaled on CPU and on its consumers' backlog, its secrets from Secrets Manager; a load
 * balancer per public service (the gateway's API and live feed, the hub's machine WebSockets); the
 * provisioning task. NATS, PostgreSQL and Redis are given (deploy/cdk/README.md).
 */
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { consumers } from '@nxg/contracts';
import type { DeployedService } from '../deployed-services.ts';
import { consumerOwner } from '../nats-permissions.ts';
import {
  containerSecrets,
  defaultIdleTimeoutS,
  idleTimeoutS,
  containerEnvironment,
  provisionSecrets,
  type SecretRef,
} from './container-settings.ts';

/** Where the consumer-backlog metric lives: each service publishes it (see consumer-lag in README). */
export const consumerLagMetric = { namespace: 'NXG', metricName: 'ConsumerPending' } as const;

export interface PlatformStackProps extends StackProps {
  services: DeployedService[];
  /** NATS servers (`tls://…`, comma-separated): the cluster runs beside the stack. */
  natsUrl: string;
  /** An ACM certificate for the load balancers' HTTPS listeners; plain HTTP on 80 without one. */
  certificateArn?: string;
}

/** Same size for every service: Node runs JavaScript on one core, so more tasks beat bigger ones. */
const serviceSize = { cpu: 1024, memoryLimitMiB: 2048 };
const scaling = { minCapacity: 2, maxCapacity: 10, cpuPercent: 60 };

export class PlatformStack extends Stack {
  private readonly secretsByName = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const imageTag = new CfnParameter(this, 'ImageTag', {
      type: 'String',
      description: 'Tag of the services’ images (nxg-<service>:<tag>) to deploy, the commit CI built',
    });
    // Apart, so a release provisions its streams and consumers before its services roll out.
    const provisionTag = new CfnParameter(this, 'ProvisionImageTag', {
      type: 'String',
      description: 'Tag of the provisioning image (nxg-provision:<tag>): the release being rolled out',
    });
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: 'nxg',
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = (name: string, tag = imageTag.valueAsString) =>
      ecs.ContainerImage.fromEcrRepository(
        ecr.Repository.fromRepositoryName(this, `Repository-${name}`, `nxg-${name}`),
        tag,
      );

    // Meal photos, scan files and avatars (DESIGN.md D9): one private, encrypted bucket, kept when
    // the stack goes. The services whose config reads S3_BUCKET get its name and their task role
    // its objects; read links are presigned by those roles, so nothing in it is ever public.
    const media = new s3.Bucket(this, 'Media', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const storesObjects = (service: DeployedService) => service.variables.includes('S3_BUCKET');

    for (const service of props.services) {
      const task = new ecs.FargateTaskDefinition(this, `${service.name}-task`, {
        family: `nxg-${service.name}`,
        ...serviceSize,
        runtimePlatform: {
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
        },
      });
      task.addContainer(service.name, {
        image: image(service.name),
        environment: {
          ...containerEnvironment(service, props.natsUrl),
          ...(storesObjects(service) ? { S3_BUCKET: media.bucketName } : {}),
        },
        secrets: this.fromSecretStore(containerSecrets(service)),
        portMappings: [{ name: 'http', containerPort: service.port, appProtocol: ecs.AppProtocol.http }],
        healthCheck: {
          command: [
            'CMD',
            'node',
            '-e',
            `fetch('http://127.0.0.1:${service.port}/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
          ],
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(60),
        },
        readonlyRootFilesystem: true,
        // Longer than SHUTDOWN_TIMEOUT_MS (10 s): a graceful stop finishes before SIGKILL.
        stopTimeout: Duration.seconds(30),
        logging: this.logging(service.name),
      });
      if (storesObjects(service)) media.grantReadWrite(task.taskRole);
      const fargate = new ecs.FargateService(this, `${service.name}-service`, {
        cluster,
        serviceName: `nxg-${service.name}`,
        taskDefinition: task,
        desiredCount: scaling.minCapacity,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
      this.autoscale(service.name, fargate);
      if (service.public) this.loadBalance(service, fargate, vpc, props.certificateArn);
    }

    const provision = new ecs.FargateTaskDefinition(this, 'provision-task', {
      family: 'nxg-provision',
      cpu: 256,
      memoryLimitMiB: 512,
    });
    provision.addContainer('provision', {
      image: image('provision', provisionTag.valueAsString),
      environment: { NODE_ENV: 'production', NATS_URL: props.natsUrl, NATS_STREAM_REPLICAS: '3' },
      secrets: this.fromSecretStore(provisionSecrets()),
      readonlyRootFilesystem: true,
      logging: this.logging('provision'),
    });
    new CfnOutput(this, 'ProvisionTaskDefinition', {
      value: provision.taskDefinitionArn,
      description: 'Run once per rollout, before the services (aws ecs run-task, deploy/cdk/README.md)',
    });
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
  }

  /** Secrets by name (`nxg/<name>`), created beforehand and referenced here: no value in the template. */
  private fromSecretStore(refs: SecretRef[]): Record<string, ecs.Secret> {
    return Object.fromEntries(
      refs.map(({ variable, secretName }) => {
        let secret = this.secretsByName.get(secretName);
        if (!secret) {
          secret = secretsmanager.Secret.fromSecretNameV2(this, `Secret-${secretName}`, `nxg/${secretName}`);
          this.secretsByName.set(secretName, secret);
        }
        return [variable, ecs.Secret.fromSecretsManager(secret)];
      }),
    );
  }

  private logging(name: string): ecs.LogDriver {
    const logGroup = new logs.LogGroup(this, `${name}-logs`, {
      logGroupName: `/ecs/nxg/${name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A slow log pipeline never stalls a request.
    return ecs.LogDrivers.awsLogs({
      logGroup,
      streamPrefix: name,
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      maxBufferSize: Size.mebibytes(25),
    });
  }

  /**
   * CPU for request load; the backlog of its durable consumers for event load (a burst of events
   * queues in JetStream and barely moves CPU while handlers wait on the database).
   */
  private autoscale(name: string, service: ecs.FargateService): void {
    const count = service.autoScaleTaskCount({
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
    });
    count.scaleOnCpuUtilization('cpu', {
      targetUtilizationPercent: scaling.cpuPercent,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(5),
    });
    if (!consumers.some((c) => consumerOwner(c.durable) === name)) return;
    count.scaleOnMetric('consumer-lag', {
      metric: new cloudwatch.Metric({
        ...consumerLagMetric,
        dimensionsMap: { Service: name },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      scalingSteps: [
        { upper: 100, change: -1 },
        { lower: 1_000, change: +1 },
        { lower: 10_000, change: +3 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(2),
    });
  }

  /**
   * A load balancer of its own for each public service, so the gateway's API and the machines'
   * sockets scale, fail and are firewalled apart. Both carry WebSockets (the live feed, the
   * machines), which the idle timeout must not cut.
   */
  private loadBalance(
    service: DeployedService,
    fargate: ecs.FargateService,
    vpc: ec2.IVpc,
    certificateArn: string | undefined,
  ): void {
    const alb = new elbv2.ApplicationLoadBalancer(this, `${service.name}-alb`, {
      vpc,
      internetFacing: true,
      idleTimeout: Duration.seconds(idleTimeoutS[service.name] ?? defaultIdleTimeoutS),
      dropInvalidHeaderFields: true,
    });
    const listener = certificateArn
      ? alb.addListener('https', {
          port: 443,
          certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        })
      : alb.addListener('http', { port: 80 });
    if (certificateArn) alb.addRedirect({ sourcePort: 80, targetPort: 443 });
    listener.addTargets(service.name, {
      port: service.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [fargate.loadBalancerTarget({ containerName: service.name, containerPort: service.port })],
      healthCheck: {
        path: '/health/ready',
        port: String(service.port),
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
      },
      deregistrationDelay: Duration.seconds(30),
    });
    // Prometheus scrapes tasks directly; /metrics is never answered from the internet (the
    // services also refuse a request that carries X-Forwarded-For).
    listener.addAction('no-metrics', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/metrics', '/metrics/*'])],
      action: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'Not Found',
      }),
    });
    new CfnOutput(this, `${service.name}-url`, {
      value: `${certificateArn ? 'https' : 'http'}://${alb.loadBalancerDnsName}`,
    });
  }
}
