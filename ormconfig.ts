// The DataSource the TypeORM CLI uses (`npm run migration:generate -- src/db/migrations/<mysql|sqlite>/Name`).
// It is built by the same function the app and the tests use, from the same DATABASE_URL.
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

export default createDataSource(loadConfig().DATABASE_URL);
