/**
 * Every BullMQ queue Glint uses. DO NOT CHANGE A VALUE without a migration plan: jobs already in Redis
 * stay under the old name and would be stranded.
 */
export enum QueueName {
  /** Webhook events; one queue per partition, `events-p{n}`, see partitionQueueName. */
  Events = 'events',
  EventsDeadLetter = 'events-dlq',
  Resync = 'resync',
  Publish = 'publish',
  PublishDeadLetter = 'publish-dlq',
  /** Jobs of the other queues (resync, webhook upkeep, workflow runs, config checks…) that failed every attempt. */
  JobsDeadLetter = 'jobs-dlq',
  /** Completed workflow runs started by `workflow_dispatch`, forwarded by the mapper to the actions service. */
  WorkflowRunEvents = 'workflow-run-events',
  /** The mapper's webhook upkeep: the schedules that reconcile the BASE_URL webhooks and sweep failed deliveries. */
  WebhookUpkeep = 'webhook-upkeep',
  /** Config checks of pull requests (check runs on `port-app-config.yml` and `port.yml` changes), off the event partitions. */
  ConfigChecks = 'config-checks',
}

export function partitionQueueName(queue: QueueName.Events, partition: number): string {
  if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`partition must be a non-negative integer, got ${partition}`);
  return `${queue}-p${partition}`;
}
