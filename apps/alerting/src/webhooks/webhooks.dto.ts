import { IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

const WEEK_MS = 7 * 24 * 3_600_000;

export class CreateWebhookDto {
  // A host without a dot is allowed here (a receiver on localhost in development); the
  // destination guard decides whether its address may be reached.
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an absolute http: or https: URL' },
  )
  @MaxLength(2048)
  url!: string;

  /** Omitted: Cairn generates a 256-bit secret. */
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'secret must be at least 24 characters: omit it to have a strong one generated' })
  @MaxLength(256)
  secret?: string;
}

export class NotificationSettingsDto {
  /** null: back to the service default (WEBHOOK_DEDUP_WINDOW_MS); 0: notify every alert. */
  @ValidateIf((settings: NotificationSettingsDto) => settings.dedupWindowMs !== null)
  @IsInt({ message: 'dedupWindowMs must be a whole number of milliseconds, or null for the default' })
  @Min(0)
  @Max(WEEK_MS)
  dedupWindowMs!: number | null;
}
