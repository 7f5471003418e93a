// pdf.js ships no types for its worker bundle: the viewer only hands the
// module to pdf.js (globalThis.pdfjsWorker), it never calls into it.
declare module 'pdfjs-dist/build/pdf.worker.min.mjs' {
  export const WorkerMessageHandler: unknown;
}
