import { fileURLToPath } from 'node:url';

// This file sits in src/ (tests, dev) or dist/ (built): the project root is one level up either way.
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));
export const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));
export const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));
