process.env.SCOPEQL_TEST_DB = 'sqlite';
