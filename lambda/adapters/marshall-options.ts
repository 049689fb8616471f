/** How the document client marshalls items (createDocumentClient); size estimates and test doubles marshall alike. */
export const DOCUMENT_MARSHALL_OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false } as const;
