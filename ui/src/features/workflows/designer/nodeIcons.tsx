// One icon per node type, shared by the palette and the canvas.
import { ApiOutlined, BranchesOutlined, ClockCircleOutlined, DatabaseOutlined, FlagOutlined, FunctionOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { NodeType } from '../model/types';

export const NODE_ICONS: Record<NodeType, ReactNode> = {
  query: <DatabaseOutlined />,
  condition: <BranchesOutlined />,
  api: <ApiOutlined />,
  transform: <FunctionOutlined />,
  delay: <ClockCircleOutlined />,
  end: <FlagOutlined />,
};
