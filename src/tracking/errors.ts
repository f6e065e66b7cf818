/**
 * MLflow's error model: every failure carries an error code from MLflow's protocol
 * (`databricks.proto`) and maps to the HTTP status MLflow's server uses for that code.
 * The server sends `{error_code, message}`; the client raises the same class.
 */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'INVALID_STATE'
  | 'BAD_REQUEST'
  | 'ENDPOINT_NOT_FOUND'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL_ERROR'
  | 'TEMPORARILY_UNAVAILABLE';

const STATUS: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_STATE: 400,
  BAD_REQUEST: 400,
  ENDPOINT_NOT_FOUND: 404,
  NOT_IMPLEMENTED: 501,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
};

export class MlflowError extends Error {
  override name = 'MlflowError';
  readonly status: number;
  constructor(
    readonly errorCode: ErrorCode | string,
    message: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[errorCode as ErrorCode] ?? 500;
  }
  toJSON(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const invalidParameter = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new MlflowError('RESOURCE_ALREADY_EXISTS', message);
export const invalidState = (message: string) => new MlflowError('INVALID_STATE', message);

/** PostgreSQL unique-violation (23505), on either engine. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === '23505';
}
