import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class VectorStateChangeDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  collectionId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(256, { each: true })
  vectorIds!: string[];

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
