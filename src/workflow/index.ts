export { Machine } from './machine.ts';
export type { TMachineDefinition, TPerformer, TTransition, TWaiting } from './machine.ts';
export { enterSql, moveEntities, moveSql } from './move-sql.ts';
export type { TEnterSpec, TMoveSpec, TSetColumn, TWhy } from './move-sql.ts';
