/** An input the importer cannot read at all (binary, empty, another tool's output). */
export class ImportInputError extends Error {
  /** Index of the input in the request / on the command line. */
  readonly input: number
  constructor(input: number, message: string) {
    super(message)
    this.input = input
  }
}
