//! Excel (.xlsx) exports in constant memory: rows stream from the database into a
//! constant-memory workbook on disk (a new sheet every 1,048,575 rows), then the file
//! streams to the client.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use query::{CompiledQuery, OutputColumn};
use rust_xlsxwriter::{Workbook, XlsxError};
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use crate::error::{ApiError, ApiResult};
use crate::realtime::progress::QueryProgress;

/// Excel's rows per sheet, less the header row.
const ROWS_PER_SHEET: u32 = 1_048_575;

fn write_rows(
    path: &std::path::Path,
    columns: &[OutputColumn],
    mut rows: mpsc::Receiver<Vec<Value>>,
) -> Result<u64, XlsxError> {
    let mut workbook = Workbook::new();
    let mut written = 0u64;
    let mut sheet_no = 0;
    loop {
        sheet_no += 1;
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(format!("Sheet{sheet_no}"))?;
        for (c, col) in columns.iter().enumerate() {
            sheet.write_string(0, c as u16, &col.name)?;
        }
        let mut row_no = 0u32;
        let mut more = false;
        while let Some(row) = rows.blocking_recv() {
            row_no += 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Null => {}
                    Value::Bool(b) => {
                        sheet.write_boolean(row_no, c, *b)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number(row_no, c, n.as_f64().unwrap_or(0.0))?;
                    }
                    // Exact decimals, big integers and dates stay text, exactly as the database gave them.
                    Value::String(s) => {
                        sheet.write_string(row_no, c, s)?;
                    }
                    other => {
                        sheet.write_string(row_no, c, other.to_string())?;
                    }
                }
            }
            written += 1;
            if row_no == ROWS_PER_SHEET {
                more = true;
                break;
            }
        }
        if !more {
            break;
        }
    }
    workbook.save(path)?;
    Ok(written)
}

/// Runs the query into a workbook and answers with the file.
pub(crate) async fn excel_response(
    pool: datasource::Pool,
    compiled: CompiledQuery,
    timeout: Duration,
    name: String,
    mut progress: QueryProgress,
) -> ApiResult<Response> {
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
    let path = dir.path().join("export.xlsx");
    let (tx, rx) = mpsc::channel::<Vec<Value>>(1024);
    let columns = compiled.columns.clone();
    let writer_path = path.clone();
    let writer = tokio::task::spawn_blocking(move || write_rows(&writer_path, &columns, rx));
    // Rows pass through here on their way to the writer, to count them for progress events.
    let (row_tx, mut row_rx) = mpsc::channel::<Vec<Value>>(256);
    let run = pool.stream_rows(compiled.sql.clone(), compiled.params.clone(), timeout, row_tx);
    let mut sent = 0u64;
    let forward = async {
        while let Some(row) = row_rx.recv().await {
            if tx.send(row).await.is_err() {
                break;
            }
            sent += 1;
            progress.rows(sent).await;
        }
        drop(tx);
    };
    let (run, ()) = tokio::join!(run, forward);
    let written = writer.await.map_err(|e| ApiError::internal(&e))?;
    if let Err(e) = run {
        let e = super::query::exec_error(e, timeout);
        progress.finish(sent, Some(&e.message)).await;
        return Err(e);
    }
    progress.finish(sent, None).await;
    written.map_err(|e| ApiError::internal(&e))?;
    let file = tokio::fs::File::open(&path).await.map_err(|e| ApiError::internal(&e))?;
    // Streams the file in chunks; the directory is removed once the last chunk is read.
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(Some((file, dir)), |state| async move {
        let (mut reader, dir) = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match reader.read(&mut buf).await {
            Ok(0) => {
                drop(dir);
                None
            }
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some((reader, dir))))
            }
            Err(e) => Some((Err(e), None)),
        }
    }));
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.xlsx\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
