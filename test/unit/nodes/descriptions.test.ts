/**
 * What n8n's community-node rules ask of every node description, checked on the descriptions
 * themselves: the scanner reads literals, so a default written out must match what it stands for.
 */
import { PRESETS } from '../../../lib/mapping/presets';
import { mappingApplyProperties } from '../../../nodes/MappingApply/properties';

test("Mapping Apply's Preset defaults to the first preset", () => {
	const preset = mappingApplyProperties.find((property) => property.name === 'preset');
	expect(preset?.default).toBe(PRESETS[0].id);
	expect(preset?.options?.map((option) => (option as { value: string }).value)).toContain(
		preset?.default,
	);
});
