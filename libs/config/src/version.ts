/** The product version, as package.json has it; a spec keeps the two equal. */
export const GLINT_VERSION = '0.1.0';
