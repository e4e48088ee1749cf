import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const bigintNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

/**
 * A webhook Glint created or reconciled because BASE_URL is set (table `managed_webhooks`): one per organization, or
 * per repository of a personal account. GitHub never shows a hook's secret again, so the row keeps a salted scrypt
 * fingerprint of the secret Glint last set (never the secret): a restart with the same secret then writes nothing.
 */
@Entity({ name: 'managed_webhooks' })
export class ManagedWebhook {
  /** `organization:<login>` or `repository:<owner>/<name>`, lower case. */
  @PrimaryColumn({ type: 'text' })
  target!: string;

  /** The installation whose token manages the hook; in PAT mode the account's id. */
  @Column({ name: 'installation_id', type: 'bigint', transformer: bigintNumber })
  installationId!: number;

  @Column({ name: 'hook_id', type: 'bigint', transformer: bigintNumber })
  hookId!: number;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ name: 'secret_fingerprint', type: 'text' })
  secretFingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
