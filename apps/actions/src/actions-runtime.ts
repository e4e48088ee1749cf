import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { CatalogClient } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import type { GithubAccess } from '@glint/github';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, FailedJobSweep, QueueName, WorkflowRunEvent } from '@glint/queue';
import type { ActionsMetrics } from './actions-metrics';
import { ActionTimings, DEFAULT_ACTION_TIMINGS } from './action-timings';
import { RunWatchdog } from './completion/run-watchdog';
import { WorkflowRunCompletion } from './completion/workflow-run-completion';
import { GithubWorkflows } from './github/github-workflows';
import { createKafka, kafkaFailure } from './kafka/kafka-client';
import { consumerGroupOf, KafkaConnectionSource, runsTopicOf } from './kafka/kafka-connection';
import { RunConsumer } from './kafka/run-consumer';
import { RunMessageHandler } from './kafka/run-message-handler';
import { ActionRunStore } from './runs/action-run-store';
import { RunFinisher } from './runs/run-finisher';
import { RunProcessor } from './runs/run-processor';
import { RunReporter } from './runs/run-reporter';
import { abortableSleep, errorMessage, settleWithin } from '@glint/runtime';

export interface ActionsRuntimeOptions {
  timings?: Partial<ActionTimings>;
  /** Test hook between a dispatch and its confirmation; an error there halts the consumer as a crash would. */
  afterDispatch?: (runId: string) => Promise<void> | void;
}

/** Completion events handled at once. */
const COMPLETION_CONCURRENCY = 4;
const CONSUMER_RETRY_MS = 5_000;
/**
 * Leaving the consumer group can wait on a rebalance for as long as the broker takes; past this the service stops
 * without it, well inside SHUTDOWN_GRACE_SECONDS: the broker expires the member, its uncommitted messages are
 * delivered again, and the action_runs table keeps each dispatch at most once.
 */
const KAFKA_LEAVE_MS = 10_000;

/**
 * The actions service at run time: at start, reconcile dispatches a previous process left unconfirmed, then consume
 * the runs topic; meanwhile complete runs from the `workflow-run-events` queue, and let the watchdog sweep.
 */
export class ActionsRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('actions');
  private readonly redisUrl: string;
  private readonly topic: string;
  private readonly groupId: string;
  private readonly handler: RunMessageHandler;
  /** Made once the Kafka connection is resolved (the catalog may hold its credentials back). */
  private consumer?: RunConsumer;
  private readonly completion: WorkflowRunCompletion;
  private readonly watchdog: RunWatchdog;
  private worker?: Worker<WorkflowRunEvent>;
  private workerConnection?: Redis;
  /** Moves completion events that failed every attempt to jobs-dlq (glint dlq). */
  private failedJobs?: FailedJobSweep;
  private starting?: Promise<void>;
  /** Aborted when the service stops, ending a wait for the Kafka connection or between consumer starts. */
  private readonly stopping = new AbortController();
  private readonly stopped = new Promise<undefined>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(undefined), { once: true }));

  constructor(config: GlintConfig, private readonly kafka: KafkaConnectionSource, dataSource: DataSource, catalog: CatalogClient, access: GithubAccess, metrics: ActionsMetrics, options: ActionsRuntimeOptions = {}) {
    this.redisUrl = config.redisUrl;
    const timings = { ...DEFAULT_ACTION_TIMINGS, ...options.timings };
    const store = ActionRunStore.of(dataSource);
    const reporter = new RunReporter(catalog);
    const github = new GithubWorkflows(access);
    const finisher = new RunFinisher(store, reporter, metrics);
    const processor = new RunProcessor({ store, github, reporter, finisher, metrics, timings, afterDispatch: options.afterDispatch });
    this.handler = new RunMessageHandler(processor, metrics);
    this.topic = runsTopicOf(config.catalog.orgId);
    this.groupId = consumerGroupOf(config.catalog.orgId);
    this.completion = new WorkflowRunCompletion(store, finisher);
    this.watchdog = new RunWatchdog({ store, github, processor, finisher, timings });
  }

  onApplicationBootstrap(): void {
    this.workerConnection = createRedisConnection(this.redisUrl, 'worker', 'actions-worker');
    this.worker = new Worker<WorkflowRunEvent>(QueueName.WorkflowRunEvents, (job) => this.completion.handle(job.data), {
      connection: this.workerConnection,
      prefix: DEFAULT_QUEUE_PREFIX,
      concurrency: COMPLETION_CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.warn(`workflow-run worker: ${error.message}`));
    this.failedJobs = new FailedJobSweep(this.workerConnection, { queues: [QueueName.WorkflowRunEvents] });
    this.failedJobs.start();
    this.starting = this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    // The watchdog first: a stopping service settles nothing more (a run it recorded is reconciled at the next start).
    await this.watchdog.stop();
    const leave = (async () => {
      await this.starting;
      await this.consumer?.stop().catch((error: unknown) => this.logger.warn(`stopping the Kafka consumer: ${errorMessage(error)}`));
    })();
    if ((await settleWithin(leave, KAFKA_LEAVE_MS)) === 'timed-out') {
      this.logger.warn(`the Kafka consumer did not leave group ${this.groupId} within ${KAFKA_LEAVE_MS / 1000} s; stopping without it (its uncommitted messages are delivered again)`);
    }
    await this.worker?.close();
    await this.failedJobs?.close();
    await this.workerConnection?.quit().catch(() => this.workerConnection?.disconnect());
  }

  /** Unconfirmed dispatches first ("before doing anything"), so a redelivered message finds its run settled. */
  private async start(): Promise<void> {
    await this.watchdog.reconcileOrphans().catch((error: unknown) => this.logger.error(`reconciling unconfirmed dispatches at start: ${errorMessage(error)}`));
    const connection = await Promise.race([this.kafka.ready, this.stopped]);
    if (!connection) return;
    const consumer = new RunConsumer(createKafka(connection, 'glint-actions'), this.topic, this.groupId, (message, keepAlive) => this.handler.handle(message, keepAlive));
    this.consumer = consumer;
    while (!this.stopping.signal.aborted) {
      try {
        await consumer.start();
        break;
      } catch (error) {
        this.logger.error(`cannot consume ${this.topic} yet, trying again in ${CONSUMER_RETRY_MS / 1000} s: ${errorMessage(kafkaFailure(error, this.kafka, connection))}`);
        await abortableSleep(CONSUMER_RETRY_MS, this.stopping.signal);
      }
    }
    if (!this.stopping.signal.aborted) this.watchdog.start();
  }
}
