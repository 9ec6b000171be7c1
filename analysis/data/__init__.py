"""Raw archives to tidy tables: the registry of data files, verified fetching,
raw-format readers, the processed Parquet tables, descriptors of follower graphs
(a user's own or the registered ones), the out-of-core pipeline of the complete
2009 graph, and the dataset sources the notebooks load."""
