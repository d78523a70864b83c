// A failure that retrying cannot fix (the export is too large, the range holds too many rows): the export ends as failed.
export class ExportFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ExportFailure";
  }
}
