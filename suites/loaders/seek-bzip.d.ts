/** Types for the part of seek-bzip (pure-JavaScript bzip2 decoder, no types of its own) slmbench uses. */
declare module 'seek-bzip' {
  interface Bunzip {
    /** Decodes a whole bzip2 buffer; `multistream` decodes concatenated streams too. */
    decode(input: Buffer, output?: Buffer | number, multistream?: boolean): Buffer;
  }
  const bunzip: Bunzip;
  export default bunzip;
}
