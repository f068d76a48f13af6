import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@cairn/service-kit';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class LedgerConfig extends ServiceConfig {
  /** The ledger writer's consumer group; a new one re-reads the domain topics from their start (a replay). */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,180}$/, { message: 'LEDGER_GROUP_ID must be 1–180 of [A-Za-z0-9._-]' })
  LEDGER_GROUP_ID: string = 'audit-ledger';

  /** Runs the ledger writer in this process; false makes a projector- and API-only replica. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'LEDGER_WRITER_ENABLED must be true or false' })
  LEDGER_WRITER_ENABLED: boolean = true;

  /** Topic-partitions appended at once (each in its own transaction). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  LEDGER_PARTITIONS_CONCURRENTLY: number = 4;

  /** Runs the projector in this process; false makes a writer- and API-only replica. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'PROJECTOR_ENABLED must be true or false' })
  PROJECTOR_ENABLED: boolean = true;

  /** How often the projector compares chain heads with its progress (it is also woken by NOTIFY). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  PROJECTOR_POLL_MS: number = 100;

  /** Ledger entries projected per transaction. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20_000)
  PROJECTOR_BATCH_SIZE: number = 1_000;

  /** Organizations projected at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(32)
  PROJECTOR_CONCURRENCY: number = 2;

  /** Runs the publisher (committed entries → `cairn.ledger.v1`) in this process. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'PUBLISHER_ENABLED must be true or false' })
  PUBLISHER_ENABLED: boolean = true;

  /** How often the publisher compares chain heads with its progress (it is also woken by NOTIFY). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  PUBLISHER_POLL_MS: number = 100;

  /** Ledger entries published per transaction. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20_000)
  PUBLISHER_BATCH_SIZE: number = 1_000;

  /** Organizations published at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(32)
  PUBLISHER_CONCURRENCY: number = 4;

  /** Entries whose stored text `GET /v1/audit/verify?mode=stored` re-canonicalizes, chosen at random. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  VERIFY_SAMPLE_SIZE: number = 1_000;
}
