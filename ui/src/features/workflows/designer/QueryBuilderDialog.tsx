// A query node's query edited in the visual query builder, in a dialog. The builder works on the
// app's `queryBuilder` slice, so the dialog loads the node's query into it on opening and puts
// back whatever the query builder page held when it closes; "Use this query" hands the compiled
// DSL and the chosen datasource to the node. `${variables}` in values stay as they are: the
// builder asks for sample values only to validate and preview.
import { Modal } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useAppDispatch, useAppStore } from '../../../app/hooks';
import { useT } from '../../../i18n';
import { BuilderContext } from '../../queryBuilder/components/BuilderContext';
import { BuilderWorkspace, useBuilder } from '../../queryBuilder/components/BuilderWorkspace';
import { fromDsl } from '../../queryBuilder/model/dsl';
import { queryBuilderActions } from '../../queryBuilder/queryBuilderSlice';

interface Props {
  query: unknown;
  datasourceId: string | null;
  onUse: (query: unknown, datasourceId: string | null) => void;
  onClose: () => void;
}

export function QueryBuilderDialog(props: Props) {
  const dispatch = useAppDispatch();
  const store = useAppStore();
  const [loaded, setLoaded] = useState(false);
  // Swap the node's query in before the builder first renders, and the page's query back after.
  useLayoutEffect(() => {
    const saved = store.getState().queryBuilder;
    dispatch(queryBuilderActions.queryLoaded(fromDsl(props.query ?? { tables: [] }, props.datasourceId)));
    setLoaded(true);
    return () => {
      dispatch(queryBuilderActions.queryLoaded(saved));
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once per opening
  return loaded ? <DialogBody {...props} /> : null;
}

function DialogBody(props: Props) {
  const t = useT();
  const builder = useBuilder();
  const empty = builder.state.selectedTables.length === 0;
  return (
    <Modal
      open
      width="min(1400px, 96vw)"
      title={t('wf.query.builderTitle')}
      okText={t('wf.query.builderUse')}
      okButtonProps={{ disabled: empty, 'data-testid': 'wf-query-builder-use' } as never}
      cancelText={t('common.cancel')}
      onOk={() => {
        props.onUse(builder.live.compiled.dsl, builder.state.datasourceId);
        props.onClose();
      }}
      onCancel={props.onClose}
      styles={{ body: { maxHeight: '75vh', overflow: 'auto' } }}
    >
      <div data-testid="wf-query-builder">
        <BuilderContext.Provider value={builder.context}>
          <BuilderWorkspace builder={builder} showRun={false} variables={{ title: t('wf.query.varsTitle'), hint: t('wf.query.varsHint') }} />
        </BuilderContext.Provider>
      </div>
    </Modal>
  );
}
