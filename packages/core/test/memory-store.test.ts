import { memoryStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';

describeTokenStore('memoryStore', () => memoryStore());
