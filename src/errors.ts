/** The one error type of the module: a code, an HTTP status and, for bad input, the fields at fault. */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, errors: FieldError[] = []): AppError {
    return new AppError(400, 'invalid-request', message, errors);
  }
  static unauthorized(message = 'Autenticação necessária: envie um token válido em Authorization: Bearer.'): AppError {
    return new AppError(401, 'unauthorized', message);
  }
  static forbidden(message: string): AppError {
    return new AppError(403, 'forbidden', message);
  }
  static notFound(message = 'Relatório não encontrado.'): AppError {
    return new AppError(404, 'not-found', message);
  }
  static conflict(message: string): AppError {
    return new AppError(409, 'conflict', message);
  }
  static tooManyRequests(message: string, retryAfterSeconds: number): AppError {
    return new AppError(429, 'too-many-requests', message, [], { 'Retry-After': String(retryAfterSeconds) });
  }
  static gone(message: string): AppError {
    return new AppError(410, 'gone', message);
  }
}
