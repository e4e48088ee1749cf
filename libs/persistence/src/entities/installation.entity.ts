import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A GitHub App installation (or, in PAT mode, an organization) that Glint syncs. */
@Entity({ name: 'installations' })
export class Installation {
  /** GitHub's installation id; in PAT mode the organization's id. */
  @PrimaryColumn({ type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  id!: number;

  @Column({ name: 'account_login', type: 'text' })
  accountLogin!: string;

  @Column({ name: 'account_type', type: 'text' })
  accountType!: 'Organization' | 'User';

  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
