/**
 * Fails the build when a lab file is malformed, with the loader's message (file, path inside it, what is
 * wrong), or when a chapter lacks one of its two lessons, so a broken lab never ships a page whose steps cannot run.
 */
import type { AstroIntegration } from 'astro';
import { loadAllLabs, type LoadOptions } from '../../lab-server/src/labs/load.ts';
import { lessonProblems } from '../chapters/chapters.ts';

/** Checks every lab file and its lessons; returns the problems as one message, or undefined when all are valid. */
export function labProblems(options: LoadOptions = {}): string | undefined {
  try {
    loadAllLabs(options);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const lessons = lessonProblems(options);
  return lessons.length > 0 ? lessons.join('\n') : undefined;
}

/** The integration. */
export function validateLabs(options: LoadOptions = {}): AstroIntegration {
  return {
    name: 'istio-labs:validate-labs',
    hooks: {
      'astro:config:setup': ({ logger }) => {
        const problem = labProblems(options);
        if (problem) throw new Error(`lab files are invalid:\n${problem}`);
        logger.info('lab files are valid');
      },
    },
  };
}
