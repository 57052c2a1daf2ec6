/** Codes for Khaos's comma-separated list parameters, and chunks of them. */
/** Codes for a comma-separated parameter: trimmed, blanks and repeats dropped, commas refused. */
export function csvSafeCodes(codes: readonly string[]): string[] {
	const cleaned = codes.map((code) => code.trim()).filter((code) => code !== '');
	const withComma = cleaned.filter((code) => code.includes(','));
	if (withComma.length > 0) {
		throw new Error(
			`Khaos takes codes as a comma-separated list, so these cannot be looked up: ${withComma.map((code) => `"${code}"`).join(', ')}`,
		);
	}
	return [...new Set(cleaned)];
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < items.length; start += size)
		chunks.push(items.slice(start, start + size));
	return chunks;
}
