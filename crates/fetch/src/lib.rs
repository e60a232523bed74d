//! nianbao-fetch: the crawler (to be written).
