export * from './loggen.js';
