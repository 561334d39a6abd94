mod itsdangerous;
