// Every feature's messages, merged per language. Add a feature's file here.
import admin from './admin';
import auth from './auth';
import common from './common';
import dataPages from './dataPages';
import datasources from './datasources';
import shell from './shell';
import queryBuilder from './queryBuilder';
import templates from './templates';
import history from './history';
import workflows from './workflows';
import monitoring from './monitoring';

type Dict = Record<string, string>;
type Bundle = { 'en-US': Dict; 'zh-CN': Dict };

export const bundles: Record<string, Bundle> = { common, shell, auth, admin, datasources, dataPages, queryBuilder, templates, history, workflows, monitoring };

export const messages: { 'en-US': Dict; 'zh-CN': Dict } = {
  'en-US': Object.assign({}, ...Object.values(bundles).map((b) => b['en-US'])),
  'zh-CN': Object.assign({}, ...Object.values(bundles).map((b) => b['zh-CN'])),
};
