//! nianbao-dataset: reports to Parquet (to be written).
