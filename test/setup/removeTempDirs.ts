/** Vitest setup file: after each test file, its temporary folders go, whether its tests passed or not. */
import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/tempDir.js';

afterAll(removeTempDirs);
