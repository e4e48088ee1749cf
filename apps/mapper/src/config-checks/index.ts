export { ConfigCheckQueue } from './config-check-queue';
export type { ConfigCheckJob, ConfigCheckQueueDependencies } from './config-check-queue';
export { CHECK_RUN_NAME, ConfigCheckRunner } from './config-check-runner';
export type { BlueprintLookup, ConfigCheckOutcome, ConfigCheckRunnerDependencies } from './config-check-runner';
export type { CheckedFile, FileProblem } from './check-run-output';
export { CHECKED_ACTIONS } from './pull-request-event';
export { FILE_CHECK_RUN_NAME, FileValidationRunner, validationRefusal } from './file-validation-runner';
export type { EntityValidator, FileValidationDependencies, FileValidationOutcome, ValidatedFile } from './file-validation-runner';
