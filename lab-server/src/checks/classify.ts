/** Sorting responses into a traffic check's classes: the rules live beside the contract, so a backend can classify too. */
export { OTHER, classLabel, classify, type ClassRule } from '../traffic/classify.ts';
