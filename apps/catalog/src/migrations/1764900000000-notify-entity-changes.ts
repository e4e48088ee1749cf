import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every write to `catalog_entities` and `catalog_blueprints`, whichever statement or pod makes it, sends a NOTIFY on
 * `catalog_changes` when its transaction commits: one per statement and blueprint, with the changed identifiers (up
 * to 100, and none when they would not fit Postgres's 8000-byte payload). The UI's live pages listen to it.
 */
export class NotifyEntityChanges1764900000000 implements MigrationInterface {
  name = 'NotifyEntityChanges1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION catalog_notify_entity_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed record;
        payload text;
      BEGIN
        FOR changed IN
          SELECT blueprint, count(*) AS total, (array_agg(identifier ORDER BY identifier))[1:100] AS identifiers
            FROM (SELECT blueprint, identifier FROM changed_rows) AS rows
           GROUP BY blueprint
        LOOP
          payload := json_build_object('kind', 'entities', 'op', lower(TG_OP), 'blueprint', changed.blueprint, 'count', changed.total, 'identifiers', changed.identifiers)::text;
          IF octet_length(payload) > 7900 THEN
            payload := json_build_object('kind', 'entities', 'op', lower(TG_OP), 'blueprint', changed.blueprint, 'count', changed.total)::text;
          END IF;
          PERFORM pg_notify('catalog_changes', payload);
        END LOOP;
        RETURN NULL;
      END $$`);
    for (const [operation, transition] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'NEW'],
      ['DELETE', 'OLD'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER catalog_entities_notify_${operation.toLowerCase()} AFTER ${operation} ON catalog_entities
           REFERENCING ${transition} TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_notify_entity_changes()`,
      );
    }
    await queryRunner.query(`
      CREATE FUNCTION catalog_notify_blueprint_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('catalog_changes', json_build_object('kind', 'blueprint', 'op', lower(TG_OP), 'blueprint', COALESCE(NEW.identifier, OLD.identifier))::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER catalog_blueprints_notify AFTER INSERT OR UPDATE OR DELETE ON catalog_blueprints FOR EACH ROW EXECUTE FUNCTION catalog_notify_blueprint_changes()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER catalog_blueprints_notify ON catalog_blueprints');
    for (const operation of ['insert', 'update', 'delete']) await queryRunner.query(`DROP TRIGGER catalog_entities_notify_${operation} ON catalog_entities`);
    await queryRunner.query('DROP FUNCTION catalog_notify_blueprint_changes()');
    await queryRunner.query('DROP FUNCTION catalog_notify_entity_changes()');
  }
}
