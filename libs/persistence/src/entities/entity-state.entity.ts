import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What the publisher last wrote for one catalog entity: the content hash lets an unchanged entity cost no API call,
 * `observed_at` keeps an older observation from overwriting a newer one, `last_sync_id` tells a resync's completion
 * which entities the sync saw. A deleted entity stays as a tombstone so a late, older upsert cannot revive it.
 */
@Entity({ name: 'entity_state' })
export class EntityState {
  @PrimaryColumn({ type: 'text' })
  blueprint!: string;

  @PrimaryColumn({ type: 'text' })
  identifier!: string;

  @Column({ name: 'installation_id', type: 'text' })
  installationId!: string;

  @Column({ type: 'text' })
  origin!: 'exporter' | 'gitops';

  /** Null when the content is unknown (never written, or the catalog lost it): the next change writes it. */
  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash!: string | null;

  @Column({ name: 'observed_at', type: 'timestamptz' })
  observedAt!: Date;

  @Column({ name: 'last_sync_id', type: 'text', nullable: true })
  lastSyncId!: string | null;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
